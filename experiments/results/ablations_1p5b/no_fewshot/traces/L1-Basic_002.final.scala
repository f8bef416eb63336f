import chisel3._
import chisel3.util._

class PassthroughByte extends Module {
  val io = IO(new Bundle {
    val input = Input(UInt(8.W))
    val output = Output(UInt(8.W))
  })

  io.output := io.input
}
