import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(3.W))
    val out = Output(UInt(2.W))
  })
  val count = RegInit(0.U(3.W))
  when(io.in > count) { count := io.in }
  io.out := count
}
