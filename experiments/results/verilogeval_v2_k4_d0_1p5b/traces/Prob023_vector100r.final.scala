import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(100.W))
    val out = Output(UInt(100.W))
  })
  val reverse = Reverse(io.in)
  io.out := reverse
}
