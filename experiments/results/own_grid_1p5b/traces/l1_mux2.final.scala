import chisel3._
import chisel3.util._

class Mux2Byte extends Module {
  val io = IO(new Bundle {
    val sel = Input(Bool())
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val out = Output(UInt(8.W))
  })
  val prev  = RegNext(io.sel, false.B)
  val count = RegInit(0.U(8.W))
  when(io.sel && !prev) { count := count + 1.U }
  io.count := count
}
