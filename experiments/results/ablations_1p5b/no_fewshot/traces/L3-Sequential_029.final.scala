import chisel3._
import chisel3.util._

class CounterMod100 extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val count = Output(UInt(8.W))
  })

  // Initialize the counter to 0
  val counter = RegInit(UInt(8.W)(0.U))

  // Increment the counter when the enable signal is high
  when(io.en) {
    counter := counter + 1.U
  }

  // Output the current count value
  io.count := counter
}
