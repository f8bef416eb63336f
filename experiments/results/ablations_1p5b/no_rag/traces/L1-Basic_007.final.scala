import chisel3._
import chisel3.util._

class WireMax extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(8.W))
  })
  io.out := UInt(255.W)
}
