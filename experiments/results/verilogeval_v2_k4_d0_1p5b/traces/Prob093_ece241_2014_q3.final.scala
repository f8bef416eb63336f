import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val c = Input(UInt(1.W))
    val d = Input(UInt(1.W))
    val mux_in = Output(UInt(4.W))
  })
  val mux_in = RegInit(0.U(4.W))
  when(io.c === 1.U && io.d === 1.U) { mux_in := 0b1111.U }
  when(io.c === 1.U && io.d === 0.U) { mux_in := 0b1110.U }
  when(io.c === 0.U && io.d === 1.U) { mux_in := 0b1101.U }
  when(io.c === 0.U && io.d === 0.U) { mux_in := 0b1100.U }
  io.mux_in := mux_in
}
