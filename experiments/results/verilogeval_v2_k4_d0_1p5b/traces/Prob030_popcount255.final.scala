import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(255.W))
    val out = Output(UInt(8.W))
  })
  val count = RegInit(0.U(8.W))
  val last  = count === 11.U
  when(io.in > count) { count := Mux(last, 0.U, count + 1.U) }
  io.out := count
}
