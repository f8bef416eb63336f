import chisel3._
import chisel3.util._

class WireConst extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(16.W))
  })
  val wire = Wire(UInt(16.W)) // Internal Wire holding the value 1234
  wire := 1234.U // Assigning the value 1234 to the internal Wire
  io.out := wire // Connecting the internal Wire to the 16-bit output port
}
