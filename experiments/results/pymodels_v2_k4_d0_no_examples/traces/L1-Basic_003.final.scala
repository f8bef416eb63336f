import chisel3._
import chisel3.util._

class PassthroughHalfWord extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(16.W))
    val out = Output(UInt(16.W))
  })
  io.out := io.in
}
